// Runs in a fresh `node` process, as Lambda's Node.js runtime does at a cold start: loads the
// module a function's Handler names from its task root, then calls the export with each event in
// turn (the first call cold, the next ones warm, as in one execution environment) and writes the
// results, or the error, as JSON to the file given. Used by test/support/lambda-bundles.ts.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');

const [taskRoot, handlerName, eventsFile, resultFile, timeout] = process.argv.slice(2);
const dot = handlerName.indexOf('.', handlerName.lastIndexOf('/'));
const moduleName = handlerName.slice(0, dot);
const exportName = handlerName.slice(dot + 1);
const timeoutMs = Number(timeout);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
const region = process.env.AWS_REGION;

function contextFor() {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'e2e',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function main() {
  const started = process.hrtime.bigint();
  const handler = require(join(taskRoot, moduleName))[exportName];
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (typeof handler !== 'function') throw new TypeError(`${handlerName} is not a function`);
  const results = [];
  for (const event of JSON.parse(readFileSync(eventsFile, 'utf8'))) {
    results.push((await handler(event, contextFor())) ?? null);
  }
  return { loadMs, results };
}

main().then(
  (outcome) => {
    writeFileSync(resultFile, JSON.stringify(outcome));
    process.exit(0);
  },
  (error) => {
    writeFileSync(resultFile, JSON.stringify({ error: String(error?.stack ?? error) }));
    process.exit(1);
  },
);
