import { DETAIL_TYPES } from '../events/integration-events.v1';
import { schemaId } from './detail-schema.v1';
import type { JsonSchema } from './json-schema';
import { INTEGRATION_EVENT_SCHEMAS_V1 } from './schemas.v1';

function objectsIn(schema: JsonSchema, path = 'detail'): [string, JsonSchema][] {
  const nested = Object.entries(schema.properties ?? {}).flatMap(([name, member]) =>
    objectsIn(member, `${path}.${name}`),
  );
  return schema.type === 'object' ? [[path, schema], ...nested] : nested;
}

describe('the v1 schemas', () => {
  describe.each(DETAIL_TYPES)('%s', (detailType) => {
    const schema = INTEGRATION_EVENT_SCHEMAS_V1[detailType];

    it('names its detail-type and version in $id and title', () => {
      expect(schema.$id).toBe(schemaId(detailType, 1));
      expect(schema.title).toBe(`${detailType} v1`);
    });

    it('leaves every object open, so consumers accept fields added later', () => {
      for (const [path, object] of objectsIn(schema)) {
        expect({ path, additionalProperties: object.additionalProperties }).toEqual({
          path,
          additionalProperties: true,
        });
      }
    });

    it('requires only fields it describes, and describes every field', () => {
      for (const [, object] of objectsIn(schema)) {
        for (const name of object.required ?? []) {
          expect(Object.keys(object.properties ?? {})).toContain(name);
        }
        for (const member of Object.values(object.properties ?? {})) {
          expect(member.description).toEqual(expect.any(String));
        }
      }
    });
  });
});
