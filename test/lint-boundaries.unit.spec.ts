import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The import boundaries of eslint.config.mjs, proved on planted files: source text linted as if it
 * sat at a path in the repository, through the ESLint Node API and the project's own configuration
 * (type-aware rules off: the boundaries need no type information). Nothing is written to disk.
 */

const ROOT = join(__dirname, '..');

/** The rules that draw the boundaries; other findings (an unused import) are not asserted on. */
const BOUNDARY_RULES = new Set([
  'no-restricted-imports',
  'n/no-extraneous-import',
  'n/no-missing-import',
]);

interface Finding {
  ruleId: string | null;
  message: string;
}

interface Planted {
  filePath: string;
  code: string;
}

// ESLint loads eslint.config.mjs with import(), which Jest's module sandbox refuses: lint in a child.
const LINT_IN_CHILD = `
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
const planted = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});
const findings = [];
for (const { filePath, code } of planted) {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  findings.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(findings));
`;

/** Lints each planted file; returns, per file, the findings of the boundary rules. */
function lint(planted: readonly Planted[]): Finding[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_IN_CHILD], {
    cwd: ROOT,
    input: JSON.stringify(planted.map((p) => ({ ...p, filePath: join(ROOT, p.filePath) }))),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const findings = JSON.parse(output) as Finding[][];
  return findings.map((messages) => messages.filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')));
}

const PLANTED: Record<string, Planted> = {
  deepImport: {
    filePath: 'libs/payments/src/request-payment/planted-deep.ts',
    code: "import { DynamoDbEventStore } from '@ledger/event-store/src/infrastructure/dynamodb-event-store';\nexport const store = DynamoDbEventStore;\n",
  },
  relativeIntoAnotherLib: {
    filePath: 'libs/payments/src/request-payment/planted-relative.ts',
    code: "import { paymentDecider } from '../../../ledger/src/payment/payment.decider';\nexport const decider = paymentDecider;\n",
  },
  relativeFromAnApp: {
    filePath: 'apps/api/src/planted-relative.ts',
    code: "import { paymentDecider } from '../../../libs/ledger/src';\nexport const decider = paymentDecider;\n",
  },
  domainImportsSdk: {
    filePath: 'libs/ledger/src/payment/planted-sdk.ts',
    code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  },
  domainImportsSdkType: {
    filePath: 'libs/ledger/src/payment/planted-sdk-type.ts',
    code: "import type { AttributeValue } from '@aws-sdk/client-dynamodb';\nexport type Image = Record<string, AttributeValue>;\n",
  },
  domainImportsNest: {
    filePath: 'libs/ledger/src/payment/planted-nest.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport const injectable = Injectable;\n",
  },
  handlerImportsAdapterEntry: {
    filePath: 'libs/payments/src/request-payment/planted-adapter.ts',
    code: "import { DynamoDbEventStore } from '@ledger/event-store/aws';\nexport const store = DynamoDbEventStore;\n",
  },
  handlerImportsFastify: {
    filePath: 'libs/webhooks/src/receive-webhook/planted-fastify.ts',
    code: "import Fastify from 'fastify';\nexport const server = Fastify();\n",
  },
  configImportsFeatureLib: {
    filePath: 'libs/config/src/planted-feature.ts',
    code: "import { SCHEME_NAMES } from '@ledger/webhooks';\nexport const schemes = SCHEME_NAMES;\n",
  },
  configImportsSdk: {
    filePath: 'libs/config/src/planted-sdk.ts',
    code: "import { SSMClient } from '@aws-sdk/client-ssm';\nexport const client = new SSMClient({});\n",
  },
  configAdapterImportsFeatureLib: {
    filePath: 'libs/config/src/infrastructure/planted-feature.ts',
    code: "import { SCHEME_NAMES } from '@ledger/webhooks';\nexport const schemes = SCHEME_NAMES;\n",
  },
  configAdapterImportsSdk: {
    filePath: 'libs/config/src/infrastructure/planted-adapter.ts',
    code: "import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';\nimport { SSMClient } from '@aws-sdk/client-ssm';\nimport { LedgerError } from '@ledger/errors';\nexport const parts = [SSMProvider, SSMClient, LedgerError];\n",
  },
  undeclaredMissingPackage: {
    filePath: 'libs/payments/src/request-payment/planted-missing.ts',
    code: "import leftPad from 'left-pad';\nexport const padded = leftPad('1', 3);\n",
  },
  // semver is installed (a dependency of a dependency) but not declared in package.json.
  undeclaredInstalledPackage: {
    filePath: 'apps/cli/src/planted-extraneous.ts',
    code: "import { valid } from 'semver';\nexport const version = valid('1.0.0');\n",
  },
  adapterImportsSdk: {
    filePath: 'libs/event-store/src/infrastructure/planted-adapter.ts',
    code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { LedgerError } from '@ledger/errors';\nexport const parts = [DynamoDBClient, LedgerError];\n",
  },
  compositionRootImportsAdapters: {
    filePath: 'apps/api/src/planted-root.ts',
    code: "import { DynamoDbEventStore } from '@ledger/event-store/aws';\nimport { InMemoryEventStore } from '@ledger/event-store/in-memory';\nimport Fastify from 'fastify';\nexport const parts = [DynamoDbEventStore, InMemoryEventStore, Fastify];\n",
  },
  handlerImportsPorts: {
    filePath: 'libs/payments/src/request-payment/planted-ports.ts',
    code: "import { handleCommand } from '@ledger/event-store';\nimport { paymentDecider } from '@ledger/ledger';\nimport { ulid } from 'ulid';\nexport const parts = [handleCommand, paymentDecider, ulid];\n",
  },
};

describe('when lint runs over planted files', () => {
  const names = Object.keys(PLANTED);
  let findings: Record<string, Finding[]>;

  beforeAll(() => {
    const results = lint(names.map((name) => PLANTED[name]));
    findings = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  }, 120_000);

  const messagesOf = (name: string) => findings[name].map((f) => `${f.ruleId}: ${f.message}`);

  it('fails a deep import into another lib', () => {
    expect(messagesOf('deepImport')).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*through one of its entries/),
    );
  });

  it('fails a relative import into another lib, from a lib or an app', () => {
    for (const name of ['relativeIntoAnotherLib', 'relativeFromAnApp']) {
      expect(messagesOf(name)).toContainEqual(
        expect.stringMatching(/^no-restricted-imports: .*may not reach into another lib or app/),
      );
    }
  });

  it('fails a domain file importing the AWS SDK, even for a type', () => {
    for (const name of ['domainImportsSdk', 'domainImportsSdkType']) {
      expect(messagesOf(name)).toContainEqual(
        expect.stringMatching(/^no-restricted-imports: .*imports no AWS SDK/),
      );
    }
  });

  it('fails a domain file importing NestJS', () => {
    expect(messagesOf('domainImportsNest')).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*imports nothing from NestJS/),
    );
  });

  it("fails port code importing another lib's adapter entry or Fastify", () => {
    expect(messagesOf('handlerImportsAdapterEntry')).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*only composition roots import/),
    );
    expect(messagesOf('handlerImportsFastify')).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*imports no Fastify/),
    );
  });

  it('fails libs/config importing a feature lib, from its adapters too', () => {
    for (const name of ['configImportsFeatureLib', 'configAdapterImportsFeatureLib']) {
      expect(messagesOf(name)).toContainEqual(
        expect.stringMatching(/^no-restricted-imports: .*libs\/config imports no feature lib/),
      );
    }
  });

  it('fails libs/config loading the AWS SDK outside its infrastructure folder', () => {
    expect(messagesOf('configImportsSdk')).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*imports no AWS SDK/),
    );
  });

  it('fails an import of a package package.json does not declare, installed or not', () => {
    expect(messagesOf('undeclaredMissingPackage')).toContainEqual(
      expect.stringMatching(/^n\/no-missing-import: .*'left-pad'/),
    );
    expect(messagesOf('undeclaredInstalledPackage')).toContainEqual(
      expect.stringMatching(/^n\/no-extraneous-import: "semver" is extraneous/),
    );
  });

  it('passes adapters, composition roots and handlers that keep to the boundaries', () => {
    for (const name of [
      'adapterImportsSdk',
      'configAdapterImportsSdk',
      'compositionRootImportsAdapters',
      'handlerImportsPorts',
    ]) {
      expect({ name, findings: findings[name] }).toEqual({ name, findings: [] });
    }
  });
});
