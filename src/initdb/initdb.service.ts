import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { SchemaService } from '../database/schema.service';
import { SeedRepository } from '../database/seed.repository';
import { samplePlan } from './sample-data';
import { isFalsyDocument, planFromDocument } from '../provisioning/seed-document';
import type { SeedPlan } from '../provisioning/plan';

export type InitDbMessage =
  | 'Database is now prepared'
  | 'Database already contains provider data'
  | 'Database content purged';

/** GET/POST/DELETE /initdb/ (BEHAVIOUR.md §8). */
@Injectable()
export class InitDbService {
  constructor(
    private readonly config: AppConfigService,
    private readonly schema: SchemaService,
    private readonly seeds: SeedRepository,
  ) {}

  /** Creates missing tables and loads the sample data into an empty database. */
  async prepareWithSampleData(): Promise<InitDbMessage> {
    await this.schema.migrate();
    return this.load(() => samplePlan(this.config.values.sampleLdapServer));
  }

  /**
   * Loads a seeding document (a falsy one means the sample data). The document is
   * validated first, also for a populated database, which then keeps its data and gets
   * upstream's answer (automx2 does not look at the body then).
   */
  async prepareWithDocument(document: unknown): Promise<InitDbMessage> {
    const plan = isFalsyDocument(document)
      ? samplePlan(this.config.values.sampleLdapServer)
      : planFromDocument(document);
    await this.schema.migrate();
    return this.load(() => plan);
  }

  async purge(): Promise<InitDbMessage> {
    await this.schema.migrate();
    await this.seeds.purge();
    return 'Database content purged';
  }

  private async load(makePlan: () => SeedPlan): Promise<InitDbMessage> {
    const outcome = await this.seeds.loadIfEmpty(makePlan);
    return outcome === 'loaded'
      ? 'Database is now prepared'
      : 'Database already contains provider data';
  }
}
