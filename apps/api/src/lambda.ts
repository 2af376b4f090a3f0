import awsLambdaFastify, { type PromiseHandler } from '@fastify/aws-lambda';
import { composeApiLambda } from './composition/api-lambda.root';
import { createApiApp } from './create-api-app';

let proxy: Promise<PromiseHandler> | undefined;

async function createProxy(): Promise<PromiseHandler> {
  const app = await createApiApp((await composeApiLambda()).dependencies);
  return awsLambdaFastify(app.getHttpAdapter().getInstance());
}

/** API Gateway (HTTP API) entry point; the Nest app is built once per execution environment. */
export const handler: PromiseHandler = async (event, context) => {
  proxy ??= createProxy();
  return (await proxy)(event, context);
};
