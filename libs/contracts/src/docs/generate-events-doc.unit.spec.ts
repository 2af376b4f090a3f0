import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as contracts from '../index';
import { DETAIL_TYPES } from '../events/integration-events.v1';
import { INTEGRATION_EVENT_SCHEMAS_V1 } from '../schemas/schemas.v1';
import {
  EVENTS_DOC_PATH,
  renderEventsDoc,
  schemaConstName,
  schemaFile,
} from './generate-events-doc';

const REPOSITORY_ROOT = resolve(__dirname, '../../../..');

describe('docs/events.md', () => {
  describe('when compared with the contracts', () => {
    it('is exactly what renderEventsDoc() writes (run `npm run contracts:docs` to refresh)', () => {
      const committed = readFileSync(resolve(REPOSITORY_ROOT, EVENTS_DOC_PATH), 'utf8');

      expect(committed).toBe(renderEventsDoc());
    });
  });

  describe('when rendered', () => {
    const doc = renderEventsDoc();

    it.each(DETAIL_TYPES)('documents %s with every data field and an example', (detailType) => {
      const section = doc.split(`## \`${detailType}\``)[1]?.split('\n## ')[0] ?? '';
      const data = INTEGRATION_EVENT_SCHEMAS_V1[detailType].properties?.data;

      for (const field of Object.keys(data?.properties ?? {})) {
        expect(section).toContain(`| \`${field}\``);
      }
      expect(section).toContain(`"detail-type": "${detailType}"`);
    });

    it('points at schema files and constants that exist', () => {
      for (const detailType of DETAIL_TYPES) {
        expect((contracts as Record<string, unknown>)[schemaConstName(detailType)]).toBe(
          INTEGRATION_EVENT_SCHEMAS_V1[detailType],
        );
        expect(() => readFileSync(resolve(REPOSITORY_ROOT, schemaFile(detailType)))).not.toThrow();
      }
    });
  });
});
