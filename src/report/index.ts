/**
 * The HTML report (`plan --report`, `estimate --report`): pure functions from a plan or an estimate
 * to one self-contained HTML document. The CLI loads this module only when --report is given.
 */
export { planReport } from "./plan-report.js";
export { estimateReport } from "./estimate-report.js";
export { REPORT_MARKER } from "./html.js";
