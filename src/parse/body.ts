import { diagnostic } from '../diagnostics.js';
import type { Block, Chapter, Diagnostic, Inline, Note, NotePlacement, Position } from '../model.js';
import { findBracketedNotes, matchNoteMarker } from './fields.js';
import { isSeparator, matchHeading } from './markers.js';
import type { Unit } from './units.js';

/** A note before its placement is known (that needs the whole chapter). */
interface PendingNote {
  readonly id: string;
  readonly label: string;
  readonly text: string;
  readonly position: Position;
  readonly inline: boolean;
}

interface OpenChapter {
  heading: string | null;
  label: string | null;
  title: string | null;
  position: Position;
  blocks: Block[];
}

/**
 * Builds chapters from the units after the header, across one or more files. Call `file()` at the start
 * of each chapter file of a story folder, `unit()` for each unit, and `finish()` once.
 */
export class BodyBuilder {
  private readonly chapters: Chapter[] = [];
  private readonly notes: Note[] = [];
  private readonly pending = new Map<string, PendingNote>();
  private readonly diagnostics: Diagnostic[] = [];
  private current: OpenChapter | null = null;
  /** Blocks seen before any chapter opened (notes or breaks above the first heading). */
  private carried: Block[] = [];
  private noteCount = 0;

  /** A note that stood in the header, before the story. */
  headerNote(label: string, text: string, position: Position): void {
    this.notes.push({ id: this.nextNoteId(), label, text, placement: { kind: 'header' }, position });
  }

  /** A note from the top of a chapter file of a story folder (its own little header). */
  leadingNote(label: string, text: string, position: Position): void {
    const id = this.nextNoteId();
    this.pending.set(id, { id, label, text, position, inline: false });
    this.push({ kind: 'noteRef', noteId: id, position }, 0);
  }

  /** Starts a new chapter file: whatever came before ends its chapter. */
  file(position: Position): void {
    this.close();
    this.current = { heading: null, label: null, title: null, position, blocks: this.takeCarried() };
  }

  unit(unit: Unit): void {
    const { text, position } = unit;
    const heading = matchHeading(text);
    if (heading) {
      if (this.current && (this.current.heading !== null || this.hasParagraph(this.current.blocks)))
        this.close();
      const blocks = this.current ? this.current.blocks : this.takeCarried();
      this.current = { heading: text, label: heading.label, title: heading.title, position, blocks };
      return;
    }
    if (isSeparator(text)) {
      this.push({ kind: 'sceneBreak', marker: text, position }, unit.blankBefore);
      return;
    }
    const whole = this.wholeParagraphNote(text);
    if (whole) {
      const id = this.nextNoteId();
      this.pending.set(id, { id, label: whole.label, text: whole.text, position, inline: false });
      this.push({ kind: 'noteRef', noteId: id, position }, unit.blankBefore);
      return;
    }
    this.push({ kind: 'paragraph', inlines: this.inlines(text, position), position }, unit.blankBefore);
  }

  finish(): { chapters: Chapter[]; notes: Note[]; diagnostics: Diagnostic[] } {
    this.close();
    if (this.carried.length > 0) {
      // Only notes or breaks and no chapter at all: keep them in a chapter of their own.
      const first = this.carried[0] as Block;
      this.current = {
        heading: null,
        label: null,
        title: null,
        position: first.position,
        blocks: this.takeCarried(),
      };
      this.close(true);
    }
    // Notes are placed when their chapter closes; the list is in reading order, the order of their ids.
    this.notes.sort((a, b) => Number(a.id.slice(5)) - Number(b.id.slice(5)));
    return { chapters: this.chapters, notes: this.notes, diagnostics: this.diagnostics };
  }

  private nextNoteId(): string {
    this.noteCount++;
    return `note-${this.noteCount}`;
  }

  private takeCarried(): Block[] {
    const blocks = this.carried;
    this.carried = [];
    return blocks;
  }

  private hasParagraph(blocks: readonly Block[]): boolean {
    return blocks.some((b) => b.kind === 'paragraph');
  }

  private wholeParagraphNote(text: string): { label: string; text: string } | null {
    const marker = matchNoteMarker(text);
    if (marker) return { label: marker.label, text: text.slice(marker.length).trim() };
    if (text.startsWith('(') || text.startsWith('[')) {
      const [note] = findBracketedNotes(text);
      if (note && note.start === 0 && note.end === text.length) return { label: note.label, text: note.text };
    }
    return null;
  }

  private inlines(text: string, position: Position): Inline[] {
    const found = findBracketedNotes(text);
    if (found.length === 0) return [{ kind: 'text', text }];
    const inlines: Inline[] = [];
    let at = 0;
    for (const note of found) {
      if (note.start > at) inlines.push({ kind: 'text', text: text.slice(at, note.start) });
      const id = this.nextNoteId();
      this.pending.set(id, { id, label: note.label, text: note.text, position, inline: true });
      inlines.push({ kind: 'noteRef', noteId: id });
      at = note.end;
    }
    if (at < text.length) inlines.push({ kind: 'text', text: text.slice(at) });
    return inlines;
  }

  /** Adds a block, first turning a run of two or more blank lines inside the text into a scene break. */
  private push(block: Block, blankBefore: number): void {
    const blocks = this.current ? this.current.blocks : this.carried;
    const last = blocks[blocks.length - 1];
    if (block.kind === 'sceneBreak') {
      if (last?.kind === 'sceneBreak' && last.marker === null) blocks.pop();
      blocks.push(block);
      return;
    }
    if (blankBefore >= 2 && this.hasParagraph(blocks) && last?.kind !== 'sceneBreak') {
      blocks.push({
        kind: 'sceneBreak',
        marker: null,
        position: { file: block.position.file, line: block.position.line - 1 },
      });
    }
    blocks.push(block);
  }

  private close(force = false): void {
    const open = this.current;
    this.current = null;
    if (!open) return;
    if (!force && open.heading === null && !this.hasParagraph(open.blocks)) {
      // Notes or breaks above the first heading belong to the chapter that heading opens.
      this.carried = [...open.blocks, ...this.carried];
      return;
    }
    const blocks = open.blocks;
    while (blocks.length > 0) {
      const last = blocks[blocks.length - 1] as Block;
      if (last.kind === 'sceneBreak' && last.marker === null) blocks.pop();
      else break;
    }
    const number = this.chapters.length + 1;
    if (!this.hasParagraph(blocks)) {
      this.diagnostics.push(
        diagnostic(
          'warning',
          'empty-chapter',
          `chapter ${number} has no story text`,
          open.position.file,
          open.position.line,
          'remove the heading, or add the chapter text under it',
        ),
      );
    }
    const firstPara = blocks.findIndex((b) => b.kind === 'paragraph');
    let lastPara = -1;
    blocks.forEach((b, i) => {
      if (b.kind === 'paragraph') lastPara = i;
    });
    const place = (id: string, placement: NotePlacement) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      this.notes.push({ id: p.id, label: p.label, text: p.text, placement, position: p.position });
    };
    blocks.forEach((b, i) => {
      if (b.kind === 'noteRef') {
        const kind =
          firstPara === -1 || i < firstPara
            ? 'chapter-start'
            : i > lastPara
              ? 'chapter-end'
              : 'chapter-middle';
        place(b.noteId, { kind, chapter: number });
      } else if (b.kind === 'paragraph') {
        for (const inline of b.inlines)
          if (inline.kind === 'noteRef') place(inline.noteId, { kind: 'inline', chapter: number });
      }
    });
    this.chapters.push({
      id: `ch-${number}`,
      number,
      title: open.title,
      label: open.label,
      heading: open.heading,
      blocks,
      position: open.position,
    });
  }
}
