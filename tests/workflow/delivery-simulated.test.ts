import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { lines, PROVINCE, received } from '../support/events.ts';

// Locally the outbox simulates SNS's delivery status logs (a configurable failure share), fed to the same
// delivery handler as on AWS (its CloudWatch Logs subscription event), so that the path is exercised.
describe('simulated delivery statuses on the embedded stack', () => {
  it('fails the configured share of SMS through the same handler: each citizen apology that failed tells its head', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('F-1', '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'xa', '1 working day']]]),
      ]),
      until: parseInstant('2026-03-04T12:00:00+07:00'),
      stack: { deliveryFailureShare: 1 },
    });
    const sent = r.notices.filter((n) => n.parts !== null && n.status === 'sent');
    expect(sent.length).toBeGreaterThan(0);
    for (const n of sent)
      expect(n.delivery, n.noticeId).toMatchObject({
        status: 'failed',
        reason: 'Phone carrier has blocked this message',
      });
    expect(r.notices.find((n) => n.kind === 'delivery.failed')).toMatchObject({ unitId: 'xa', status: 'sent' });
  });
});
