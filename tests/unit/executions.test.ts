import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SfnExecutions } from '../../functions/adapters/sfn.ts';
import { executionName } from '../../functions/app/execution-name.ts';
import { IdSchema } from '../../functions/schemas/events.ts';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:ap-southeast-1:111122223333:stateMachine:dunghan-dossier-path';
const executions = () => new SfnExecutions(new SFNClient({ region: 'ap-southeast-1' }), MACHINE);
const error = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

beforeEach(() => sfn.reset());

describe('execution attempts (restart after an execution died)', () => {
  it('names attempt 1 by the dossier id and restarts with a suffix no dossier id can have, within 80 characters', () => {
    expect(executionName('HS-001')).toBe('HS-001');
    expect(executionName('HS-001', 2)).toBe('HS-001+r2');
    expect(IdSchema.safeParse(executionName('HS-001', 2)).success).toBe(false);
    const long = 'A'.repeat(80);
    const names = [2, 3].map((n) => executionName(long, n));
    for (const n of names) expect(n.length).toBeLessThanOrEqual(80);
    expect(new Set([...names, executionName(`${'A'.repeat(79)}B`, 2)]).size).toBe(3);
  });

  it('starts an attempt under its own name with ids only as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    expect(await executions().start('HS-001', 3)).toBe('started');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: 'HS-001+r3',
      input: '{"dossierId":"HS-001"}',
    });
    sfn.on(StartExecutionCommand).rejects(error('ExecutionAlreadyExists'));
    expect(await executions().start('HS-001', 3)).toBe('exists');
  });

  it('asks DescribeExecution whether an attempt still runs', async () => {
    sfn
      .on(DescribeExecutionCommand, {
        executionArn: 'arn:aws:states:ap-southeast-1:111122223333:execution:dunghan-dossier-path:HS-001',
      })
      .resolves({ status: 'RUNNING' });
    sfn
      .on(DescribeExecutionCommand, {
        executionArn: 'arn:aws:states:ap-southeast-1:111122223333:execution:dunghan-dossier-path:HS-001+r2',
      })
      .resolves({ status: 'ABORTED' });
    sfn
      .on(DescribeExecutionCommand, {
        executionArn: 'arn:aws:states:ap-southeast-1:111122223333:execution:dunghan-dossier-path:HS-001+r3',
      })
      .rejects(error('ExecutionDoesNotExist'));
    expect(await executions().status('HS-001', 1)).toBe('running');
    expect(await executions().status('HS-001', 2)).toBe('ended');
    expect(await executions().status('HS-001', 3)).toBe('missing');
  });
});
