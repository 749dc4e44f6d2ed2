/**
 * EPUBCheck (Debian package `epubcheck`, 4.2.x) for tests. Starting the JVM and loading EPUBCheck's
 * schemas costs seconds, so when a JDK is present all books are validated in ONE java process
 * through EPUBCheck's own Java API; otherwise each book goes through the command line.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const EPUBCHECK_JAR = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar';

export interface EpubCheckResult {
  readonly file: string;
  readonly fatals: number;
  readonly errors: number;
  readonly warnings: number;
  /** EPUBCheck's own messages, for the assertion message when a count is not zero. */
  readonly messages: string;
}

function requireTools(): void {
  if (!fs.existsSync(EPUBCHECK_JAR)) {
    throw new Error(
      `EPUBCheck not found at ${EPUBCHECK_JAR}: install the Debian package "epubcheck" (apt-get install -y epubcheck)`,
    );
  }
}

// A tiny driver for EPUBCheck's Java API: validates every file named on the command line.
const DRIVER = `
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

public class EpubCheckMany {
  public static void main(String[] args) throws Exception {
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    for (String f : args) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream capture = new PrintStream(buf, true, "UTF-8");
      System.setOut(capture);
      System.setErr(capture);
      DefaultReportImpl report = new DefaultReportImpl(f);
      try {
        new EpubCheck(new File(f), report).doValidate();
      } catch (Throwable t) {
        t.printStackTrace(capture);
        realOut.println("RESULT\\t" + f + "\\t1\\t0\\t0\\t" + Base64.getEncoder().encodeToString(buf.toByteArray()));
        continue;
      } finally {
        System.setOut(realOut);
        System.setErr(realErr);
      }
      realOut.println("RESULT\\t" + f + "\\t" + report.getFatalErrorCount() + "\\t" + report.getErrorCount() + "\\t"
          + report.getWarningCount() + "\\t" + Base64.getEncoder().encodeToString(buf.toByteArray()));
    }
  }
}
`;

async function hasJavac(): Promise<boolean> {
  try {
    await run('javac', ['-version']);
    return true;
  } catch {
    return false;
  }
}

async function checkBatched(files: readonly string[]): Promise<EpubCheckResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-epubcheck-'));
  const src = path.join(dir, 'EpubCheckMany.java');
  fs.writeFileSync(src, DRIVER);
  const { stdout } = await run('java', ['-cp', EPUBCHECK_JAR, src, ...files], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  const results = new Map<string, EpubCheckResult>();
  for (const line of stdout.split('\n')) {
    const [tag, file, fatals, errors, warnings, messages] = line.split('\t');
    if (tag !== 'RESULT' || file === undefined) continue;
    results.set(file, {
      file,
      fatals: Number(fatals),
      errors: Number(errors),
      warnings: Number(warnings),
      messages: Buffer.from(messages ?? '', 'base64').toString('utf8'),
    });
  }
  return files.map((f) => {
    const r = results.get(f);
    if (!r) throw new Error(`EPUBCheck gave no result for ${f}:\n${stdout}`);
    return r;
  });
}

async function checkOne(file: string): Promise<EpubCheckResult> {
  let out = '';
  try {
    const r = await run('java', ['-jar', EPUBCHECK_JAR, file], { maxBuffer: 64 * 1024 * 1024 });
    out = r.stdout + r.stderr;
  } catch (err) {
    // EPUBCheck exits non-zero when it finds errors; its report is still on stdout/stderr.
    const e = err as { stdout?: string; stderr?: string; code?: string | number };
    if (e.code === 'ENOENT')
      throw new Error('java not found: install the Debian package "epubcheck" (it brings a JRE)');
    out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  const m = /Messages: (\d+) fatals? \/ (\d+) errors? \/ (\d+) warnings?/.exec(out);
  if (!m) throw new Error(`could not read EPUBCheck's summary for ${file}:\n${out}`);
  return { file, fatals: Number(m[1]), errors: Number(m[2]), warnings: Number(m[3]), messages: out };
}

/** Validate EPUB files with EPUBCheck; results in the order of `files`. */
export async function epubcheck(files: readonly string[]): Promise<EpubCheckResult[]> {
  requireTools();
  if (files.length === 0) return [];
  if (await hasJavac()) return checkBatched(files);
  const out: EpubCheckResult[] = [];
  for (const f of files) out.push(await checkOne(f));
  return out;
}
