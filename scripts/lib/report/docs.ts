// Where the report's generated pictures live in the docs.

/** The committed architecture diagram embedded in docs/architecture.md. */
export const architectureDoc = 'docs/img/architecture.svg';
/** Screenshot of the report, refreshed by `UPDATE_SCREENSHOTS=1 node --import tsx --test test/scripts/report/report.test.ts`. */
export const reportScreenshot = 'docs/img/report.png';
/** The document with the generated self-healing tables (between markers). */
export const architectureMd = 'docs/architecture.md';
