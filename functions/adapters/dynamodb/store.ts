import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Store } from '../../app/ports.ts';
import { TableClient } from './client.ts';
import { DynamoDossierStore } from './dossiers.ts';
import { DynamoEventStore } from './events.ts';
import { DynamoFeedStore } from './feed.ts';
import { DynamoNoticeStore } from './notices.ts';
import { DynamoUnitStore } from './units.ts';

/** The store port over one DynamoDB table (DynamoDB on AWS, dynalite locally): one repository per entity. */
export class DynamoStore implements Store {
  readonly table: TableClient;
  readonly events: DynamoEventStore;
  readonly dossiers: DynamoDossierStore;
  readonly notices: DynamoNoticeStore;
  readonly units: DynamoUnitStore;
  readonly feed: DynamoFeedStore;

  constructor(tableName: string, clientConfig: DynamoDBClientConfig = {}) {
    this.table = new TableClient(tableName, clientConfig);
    this.events = new DynamoEventStore(this.table);
    this.dossiers = new DynamoDossierStore(this.table);
    this.notices = new DynamoNoticeStore(this.table);
    this.units = new DynamoUnitStore(this.table);
    this.feed = new DynamoFeedStore(this.table);
  }
}
