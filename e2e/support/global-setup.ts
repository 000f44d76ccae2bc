/**
 * Runs once per jest run that selects an e2e test (not for the other projects): builds the web
 * app when dist/apps/web/browser is missing or older than its sources. Here rather than in an
 * npm `pretest`, so that `npx jest --selectProjects e2e` gets a current build too, and a run
 * with nothing changed does not pay for a build.
 */
import { ensureWebBuild } from './web-build';

export default function globalSetup(): void {
  ensureWebBuild((line) => process.stdout.write(`\n[e2e] ${line}\n`));
}
