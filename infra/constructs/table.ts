import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { type KeyAttribute, TABLE_KEYS } from '../../functions/adapters/dynamodb/table.ts';

export interface DossierTableProps {
  key: IKey;
  /**
   * Development only: destroy the table (and its data) with the stack, and allow deleting it.
   * Production keeps both: deletion protection on, RETAIN on removal.
   * @default false
   */
  devDestroyData?: boolean;
}

const attr = (k: KeyAttribute): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** The one table, from the key definition shared with the local table. */
export class DossierTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DossierTableProps) {
    super(scope, id);
    const dev = props.devDestroyData ?? false;
    this.table = new dynamodb.Table(this, 'table', {
      partitionKey: attr(TABLE_KEYS.partitionKey),
      sortKey: attr(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !dev,
      removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    for (const i of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: i.indexName,
        partitionKey: attr(i.partitionKey),
        sortKey: attr(i.sortKey),
      });
    }
  }
}
