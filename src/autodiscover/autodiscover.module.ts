import { Module } from '@nestjs/common';

/** Filled by the Autodiscover routes. */
@Module({})
export class AutodiscoverModule {}
