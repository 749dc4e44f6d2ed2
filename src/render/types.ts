import type { Diagnostic } from '../model.js';

/** What a book writer returns: the file's bytes and any warnings found while writing. */
export interface WriterResult {
  readonly bytes: Buffer;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The same with the file's bytes in pieces, to be written one after the other. A large PDF is made in
 * 1 MiB pieces, and joining them into one buffer held the book twice at the build's peak of memory.
 * A piece shares its memory with nothing else, unless it is a small buffer from Node's shared pool.
 */
export interface WriterPieces {
  readonly pieces: readonly Buffer[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A cover ready for both writers: a 1600×2560 JPEG, and a small thumbnail made when first asked for. */
export interface CoverImage {
  readonly jpeg: Buffer;
  readonly thumbnail: () => Promise<Buffer>;
  readonly width: number;
  readonly height: number;
  /** `generated` from the SVG template, or `author` when the story supplied its own image. */
  readonly origin: 'generated' | 'author';
  readonly diagnostics: readonly Diagnostic[];
}

export type PageKind = 'cover' | 'title' | 'disclaimer' | 'contents' | 'chapter' | 'notes';

/**
 * One page of the book as rendered by the templates. Both writers consume these:
 * the EPUB writer packages `body` as XHTML documents, the PDF writer lays out the same `body` tree.
 */
export interface Page {
  /** Stable id, also the EPUB file's base name: `title`, `disclaimer`, `contents`, `ch-1`, `notes`. */
  readonly id: string;
  readonly kind: PageKind;
  /** Title for tables of contents, outlines and running heads. */
  readonly title: string;
  /** The XHTML fragment that goes inside `<body>`: only the elements the templates are allowed to use. */
  readonly body: string;
  /** Listed in the table of contents (chapters and the appendix). */
  readonly inToc: boolean;
}
