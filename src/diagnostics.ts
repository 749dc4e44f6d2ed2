import type { Diagnostic, Severity } from './model.js';

export function diagnostic(
  severity: Severity,
  code: string,
  message: string,
  file: string,
  line: number | null,
  hint?: string,
): Diagnostic {
  return hint === undefined
    ? { code, severity, message, file, line }
    : { code, severity, message, file, line, hint };
}

/** The one way a diagnostic is shown to a person, on one line: `file:line: severity [code] message (hint)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === null ? d.file : `${d.file}:${d.line}`;
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}: ${d.severity} [${d.code}] ${d.message}${hint}`;
}

/** An unrecoverable problem, carried as a value; only the CLI turns it into an exit code. */
export class FicbindError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(d: Diagnostic) {
    super(formatDiagnostic(d));
    this.name = 'FicbindError';
    this.diagnostic = d;
  }
}

/** A mistake in how ficbind was called (bad flag value, unknown template folder): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
