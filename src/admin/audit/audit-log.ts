import { Injectable, Logger } from '@nestjs/common';
import { AuditRecord, type AuditEntry } from './audit-record';

/**
 * The admin API's audit trail: one log line per change (context `Audit`), written at
 * every `loglevel`, with the token's name, the client, the method, the resource and a
 * short summary. Never a token, a hash or a bind password: callers pass names and paths.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  record(entry: {
    token: string;
    client: string;
    method: string;
    resource: string;
    change: string;
  }): void {
    this.logger.log(new AuditRecord(entry satisfies AuditEntry));
  }
}
