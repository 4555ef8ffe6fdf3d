/**
 * The lines of `automx2-nest dns` (zone-file syntax): comment lines start with `;`,
 * record lines are `<name> <ttl> IN <type> <data>`.
 */
export interface DnsRecordLine {
  readonly line: string;
  readonly name: string;
  readonly type: string;
}

const RECORD = /^(\S+)\s+[0-9]+\s+IN\s+([A-Z0-9]+)\s/;

/** The record lines among `lines`, with their owner name and type; comments left out. */
export function recordLines(lines: readonly string[]): DnsRecordLine[] {
  return lines.flatMap((line) => {
    const match = RECORD.exec(line);
    if (!match) return [];
    const [, name = '', type = ''] = match;
    return [{ line, name, type }];
  });
}
