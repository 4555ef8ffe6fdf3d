import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './app-config';

export const APP_CONFIG_NAMESPACE = 'automx2';

/** Typed, read-once access to the validated configuration. */
@Injectable()
export class AppConfigService {
  readonly values: AppConfig;

  constructor(config: ConfigService) {
    const values = config.get<AppConfig>(APP_CONFIG_NAMESPACE);
    if (!values) throw new Error('configuration was not loaded');
    this.values = values;
  }
}
