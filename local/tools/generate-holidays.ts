import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HolidayYearSchema } from '../../functions/schemas/calendar.ts';
import { provisionalYear } from './holiday-rules.ts';

// npm run holidays:generate -- 2028   writes data/holidays/vn/2028.json (provisional)
const year = Number(process.argv[2]);
if (!Number.isInteger(year) || year < 2000 || year > 2100) {
  console.error('usage: npm run holidays:generate -- <year>');
  process.exit(2);
}
const data = HolidayYearSchema.parse(provisionalYear(year));
const file = fileURLToPath(new URL(`../../data/holidays/vn/${year}.json`, import.meta.url));
writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
console.log(`wrote ${file} (${data.daysOff.length} days off, provisional); add it to functions/reference/data.ts`);
