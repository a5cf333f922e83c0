/**
 * The tool's own name and version, read once from package.json (two levels above both
 * src/cli and dist/cli). Invariant: the version printed by `--version` and recorded in results
 * is package.json's.
 */
import { createRequire } from 'node:module';

interface PackageJson {
  name: string;
  version: string;
}

const packageJson = createRequire(import.meta.url)('../../package.json') as PackageJson;

export const TOOL_NAME: string = packageJson.name;
export const TOOL_VERSION: string = packageJson.version;
