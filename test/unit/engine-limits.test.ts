// What an engine cannot do is refused with the engine's own reason, at plan time.
import { describe, expect, it } from "vitest";
import { devices } from "../../src/catalog/index.js";
import { engineModule } from "../../src/engines/index.js";
import { splitProblem } from "../../src/sizing/size.js";

const device = (id: string) => devices.find((d) => d.id === id)!;

describe("Ollama on several GPUs", () => {
  const ollama = engineModule("ollama");
  it("is refused naming what Ollama does (spreads layers by its scheduler), not 'cannot split layers'", () => {
    for (const [tp, pp] of [
      [2, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      const p = splitProblem(ollama, device("l40s"), tp, pp);
      expect(p).toMatch(
        /^Ollama is sized on one GPU per replica: with more it spreads layers over all of them/,
      );
      expect(p).not.toMatch(/cannot split layers/);
    }
    expect(splitProblem(ollama, device("l40s"), 1, 1)).toBeNull();
  });
});
