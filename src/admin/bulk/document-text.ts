import { DomainError } from '../../common/domain-error';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of an uploaded document. Bytes that are not UTF-8 are refused as the
 * document's problem, not repaired: a replacement character would be stored. A byte
 * order mark is kept, so the JSON reader refuses it as `automx2-nest import` does.
 */
export function documentText(body: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new DomainError('INVALID_SEED', 'document: not valid UTF-8');
  }
}
