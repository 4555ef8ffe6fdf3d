import { Module } from '@nestjs/common';
import { InitDbController } from './initdb.controller';
import { InitDbService } from './initdb.service';

@Module({ controllers: [InitDbController], providers: [InitDbService] })
export class InitDbModule {}
