/**
 * The Node.js major versions the ledger supports (README, "Quick start"; `engines` in
 * package.json): 22, the Lambda runtime (`nodejs22.x`), and 20, what CI and local runs use.
 */
export const SUPPORTED_NODE_MAJORS: readonly number[] = [20, 22];

/**
 * Switches off the AWS SDK's notice that its releases after January 2027 need Node 22 (eight
 * lines on every command that makes a client), by the SDK's own documented variable, when the
 * running Node is one the ledger supports. A value already set is left as it is.
 */
export function quietSdkNodeVersionNotice(
  env: NodeJS.ProcessEnv = process.env,
  nodeVersion: string = process.versions.node,
): void {
  const major = Number(nodeVersion.split('.')[0]);
  if (!SUPPORTED_NODE_MAJORS.includes(major)) return;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
