/**
 * Where the tool's blocks were in a markdown file it last wrote, with that file's stamp.
 * Session and journal states keep it beside their fold so the next record splices the file
 * without parsing it (markdown/view.ts trusts it only while the stamp matches; a file a
 * person changed is parsed again). Plain numbers: core carries them, markdown/ reads them.
 */
export type Span = [start: number, end: number];
export type Regions = Record<string, Span>;

export interface ViewCache {
  /** The file's stamp (size, mtime, inode) right after the tool wrote it. */
  stamp: string;
  regions: Regions;
}
