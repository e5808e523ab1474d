// Prints the run's closing line, "N passed, N failed", from vitest's JSON report (plus the typecheck as one check).
import { readFileSync } from 'node:fs';

const [file, typecheckFailed = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
  if (report.numTotalTests === 0) {
    console.error('No test ran.');
    failed += 1;
  }
} catch (error) {
  console.error(`Could not read the test report ${file}: ${error.message}`);
  failed += 1;
}
if (typecheckFailed === '1') failed += 1;
else passed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/** Suites that failed because a test in them failed are already counted by their tests. */
function countSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
}
