import type { z } from 'zod';
import feedDaklak from '../../data/feeds/daklak.json' with { type: 'json' };
import feedVnDefault from '../../data/feeds/vn-default.json' with { type: 'json' };
import vn2025 from '../../data/holidays/vn/2025.json' with { type: 'json' };
import vn2026 from '../../data/holidays/vn/2026.json' with { type: 'json' };
import vn2027 from '../../data/holidays/vn/2027.json' with { type: 'json' };
import vnPolicy from '../../data/policies/vn-default.json' with { type: 'json' };
import daklakProcedures from '../../data/procedures/daklak.json' with { type: 'json' };
import vnSample from '../../data/procedures/vn-sample.json' with { type: 'json' };
import vnDefault from '../../data/provinces/vn-default.json' with { type: 'json' };
import { WorkingCalendar } from '../core/calendar.ts';
import {
  type HolidayYear,
  HolidayYearSchema,
  type ProvinceCalendar,
  ProvinceCalendarSchema,
} from '../schemas/calendar.ts';
import { type Catalogue, CatalogueSchema } from '../schemas/catalogue.ts';
import { describeZodError } from '../schemas/errors.ts';
import { type FeedSettings, FeedSettingsSchema } from '../schemas/feed-settings.ts';
import { type PolicyFile, PolicyFileSchema } from '../schemas/policy.ts';

/**
 * The calendar reference data, imported statically so that a Lambda bundle carries it, and validated
 * by zod at load. A new year's file is added here (a test checks every file in data/ is listed).
 */
export const HOLIDAY_FILES: Readonly<Record<string, unknown>> = {
  'data/holidays/vn/2025.json': vn2025,
  'data/holidays/vn/2026.json': vn2026,
  'data/holidays/vn/2027.json': vn2027,
};

export const PROVINCE_FILES: Readonly<Record<string, unknown>> = {
  'data/provinces/vn-default.json': vnDefault,
};

export const CATALOGUE_FILES: Readonly<Record<string, unknown>> = {
  'data/procedures/daklak.json': daklakProcedures,
  'data/procedures/vn-sample.json': vnSample,
};

export const POLICY_FILES: Readonly<Record<string, unknown>> = {
  'data/policies/vn-default.json': vnPolicy,
};

export const FEED_FILES: Readonly<Record<string, unknown>> = {
  'data/feeds/daklak.json': feedDaklak,
  'data/feeds/vn-default.json': feedVnDefault,
};

export const DEFAULT_PROVINCE = 'vn-default';
export const DEFAULT_POLICY_ID = 'vn-default';
export const DEFAULT_CATALOGUE = 'vn-sample';
export const DEFAULT_FEED = 'vn-default';

export class ReferenceDataError extends Error {
  override readonly name = 'ReferenceDataError';
}

function parseFile<S extends z.ZodType>(file: string, data: unknown, schema: S): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ReferenceDataError(`${file}: ${describeZodError(result.error)}`);
  return result.data;
}

export function holidayYears(): HolidayYear[] {
  return Object.entries(HOLIDAY_FILES).map(([file, data]) => parseFile(file, data, HolidayYearSchema));
}

export function provinceCalendar(id: string = DEFAULT_PROVINCE): ProvinceCalendar {
  for (const [file, data] of Object.entries(PROVINCE_FILES)) {
    const province = parseFile(file, data, ProvinceCalendarSchema);
    if (province.id === id) return province;
  }
  throw new ReferenceDataError(`no province calendar "${id}" in data/provinces`);
}

export function loadCatalogue(id: string = DEFAULT_CATALOGUE): Catalogue {
  for (const [file, data] of Object.entries(CATALOGUE_FILES)) {
    const catalogue = parseFile(file, data, CatalogueSchema);
    if (catalogue.id === id) return catalogue;
  }
  throw new ReferenceDataError(`no procedure catalogue "${id}" in data/procedures`);
}

export function loadPolicy(id: string = DEFAULT_POLICY_ID): PolicyFile {
  for (const [file, data] of Object.entries(POLICY_FILES)) {
    const policy = parseFile(file, data, PolicyFileSchema);
    if (policy.id === id) return policy;
  }
  throw new ReferenceDataError(`no escalation policy "${id}" in data/policies`);
}

/** A province's settings for the national portal's feed (unit aliases, the provincial office). */
export function loadFeedSettings(id: string = DEFAULT_FEED): FeedSettings {
  for (const [file, data] of Object.entries(FEED_FILES)) {
    const settings = parseFile(file, data, FeedSettingsSchema);
    if (settings.id === id) return settings;
  }
  throw new ReferenceDataError(`no feed settings "${id}" in data/feeds`);
}

const cache = new Map<string, WorkingCalendar>();

/** The working calendar of a province, built once per process. */
export function loadCalendar(provinceId: string = DEFAULT_PROVINCE): WorkingCalendar {
  let calendar = cache.get(provinceId);
  if (!calendar) {
    calendar = new WorkingCalendar(provinceCalendar(provinceId), holidayYears());
    cache.set(provinceId, calendar);
  }
  return calendar;
}
