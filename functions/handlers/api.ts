import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { acknowledgeEscalation, issueApology } from '../app/actions.ts';
import { ingestFeed } from '../app/feed.ts';
import { type IntakeOutcome, ingestEvent } from '../app/intake.ts';
import { getDossierPage } from '../app/reports/dossier-page.ts';
import { type ListedDossier, listDossiers } from '../app/reports/lists.ts';
import { unitsReport } from '../app/reports/units.ts';
import { DVCQG_SERVICES } from '../schemas/dvcqg.ts';
import {
  AcknowledgementRequestSchema,
  ApologyRequestSchema,
  DossierListQuerySchema,
  FormatQuerySchema,
  ReportQuerySchema,
} from '../schemas/requests.ts';
import { listCsv, reportCsv } from './csv.ts';
import { httpErrors, json, RouteNotFoundError } from './http-errors.ts';
import { jsonBody, parseRequest, pathId, query, viewerOf } from './requests.ts';
import { type HandlerRuntime, observed } from './runtime.ts';

/**
 * The API (API Gateway REST on AWS; the local server sends the same events to the same handler):
 *   POST /events                                   one event (the contract in functions/schemas/events.ts); machines
 *   POST /dvcqg/DongBoHoSoMC, /dvcqg/CapNhatTienDoHoSoMC   the national portal's feed (docs/law.md §7); machines
 *   GET  /reports/units?from=&to=                  the per-unit table and indicator 2.1 over a period
 *   GET  /dossiers?unitId=&view=&cursor=           a unit's overdue, coming-due or open dossiers, paged
 *   GET  /dossiers/{id}                            the control sheet (Form 06), notices, findings, timeline
 *   POST /dossiers/{id}/apology                    the one reschedule, with its apology
 *   POST /dossiers/{id}/acknowledgements            a head acknowledges an escalation ({ noticeId })
 * Every route but the machines' is read or acted on by a signed-in user, within their units; `?format=csv` on reads.
 */

/** Bodies over this size are refused before parsing (API Gateway allows 10 MB; an event is small; the feed batches). */
export const MAX_BODY_BYTES = 64 * 1024;
/** A CSV list is every page, up to this many rows. */
const MAX_CSV_ROWS = 10_000;

/** API Gateway's REST event (the local server builds the same). */
type ApiEvent = APIGatewayProxyEvent;

const answer = (outcome: IntakeOutcome) => json(outcome.status === 'duplicate' ? 200 : 202, outcome);

export function makeApiHandler(runtime: HandlerRuntime) {
  const routes: Route<ApiEvent, APIGatewayProxyResult>[] = [
    {
      method: 'POST',
      path: '/events',
      handler: async (event: ApiEvent) => answer(await ingestEvent(runtime.deps(), jsonBody(event, MAX_BODY_BYTES))),
    },
    {
      method: 'GET',
      path: '/reports/units',
      handler: async (event: ApiEvent) => {
        const viewer = viewerOf(event);
        const q = query(event, ReportQuerySchema);
        const report = await unitsReport(runtime.deps(), viewer, { fromDay: q.from, toDay: q.to });
        return q.format === 'csv' ? reportCsv(report) : json(200, report);
      },
    },
    {
      method: 'GET',
      path: '/dossiers',
      handler: async (event: ApiEvent) => {
        const viewer = viewerOf(event);
        const q = query(event, DossierListQuerySchema);
        if (q.format === 'json') return json(200, await listDossiers(runtime.deps(), viewer, q));
        const items: ListedDossier[] = [];
        let cursor = q.cursor;
        do {
          const page = await listDossiers(runtime.deps(), viewer, { ...q, cursor });
          items.push(...page.items);
          cursor = page.cursor ?? undefined;
        } while (cursor && items.length < MAX_CSV_ROWS);
        return listCsv(`${q.view}-${q.unitId ?? viewer.unitId}`, items);
      },
    },
    {
      method: 'GET',
      path: '/dossiers/{id}',
      handler: async (event: ApiEvent) => {
        const viewer = viewerOf(event);
        query(event, FormatQuerySchema);
        return json(200, await getDossierPage(runtime.deps(), viewer, pathId(event, 'id')));
      },
    },
    {
      method: 'POST',
      path: '/dossiers/{id}/apology',
      handler: async (event: ApiEvent) => {
        const viewer = viewerOf(event);
        const request = parseRequest(ApologyRequestSchema, jsonBody(event, MAX_BODY_BYTES), 'invalid_request');
        return answer(await issueApology(runtime.deps(), viewer, pathId(event, 'id'), request));
      },
    },
    {
      method: 'POST',
      path: '/dossiers/{id}/acknowledgements',
      handler: async (event: ApiEvent) => {
        const viewer = viewerOf(event);
        const { noticeId } = parseRequest(
          AcknowledgementRequestSchema,
          jsonBody(event, MAX_BODY_BYTES),
          'invalid_request',
        );
        return json(200, await acknowledgeEscalation(runtime.deps(), viewer, pathId(event, 'id'), noticeId));
      },
    },
    // The portal answers 200 with a result per item: one bad item never refuses the others.
    ...DVCQG_SERVICES.map((service) => ({
      method: 'POST' as const,
      path: `/dvcqg/${service}`,
      handler: async (event: ApiEvent) =>
        json(200, await ingestFeed(runtime.deps(), service, jsonBody(event, MAX_BODY_BYTES))),
    })),
  ];
  const router = httpRouterHandler<ApiEvent, APIGatewayProxyResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      throw new RouteNotFoundError(method, path);
    },
  });
  return observed(runtime, middy<ApiEvent, APIGatewayProxyResult>()).use(httpErrors(runtime.logger)).handler(router);
}
