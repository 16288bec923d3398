/**
 * The instance catalog's data files (data/instances/<provider>.json), imported one by one so that
 * esbuild bundles them into the CLI. The order here is the order providers are listed in. A new file
 * must be added here: `npm run build` and test/unit/catalog.test.ts fail while a file on disk is not
 * imported, or an import has no file. The JSON is trusted as it is at run time (the build and the
 * unit tests parse every file through providerSchema in schema.ts).
 */
import type { ProviderEntry } from "./types.js";

import i_aws from "../../data/instances/aws.json" with { type: "json" };
import i_gcp from "../../data/instances/gcp.json" with { type: "json" };
import i_azure from "../../data/instances/azure.json" with { type: "json" };
import i_oci from "../../data/instances/oci.json" with { type: "json" };
import i_lambda from "../../data/instances/lambda.json" with { type: "json" };
import i_nebius from "../../data/instances/nebius.json" with { type: "json" };
import i_runpod from "../../data/instances/runpod.json" with { type: "json" };
import i_runpod_community from "../../data/instances/runpod-community.json" with { type: "json" };

/** Every provider file: the hyperscale clouds, then GPU clouds, then marketplaces. */
export const providerData = [
  i_aws,
  i_gcp,
  i_azure,
  i_oci,
  i_lambda,
  i_nebius,
  i_runpod,
  i_runpod_community,
] as unknown as readonly ProviderEntry[];
