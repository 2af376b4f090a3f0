import { loadLambdaLedgerConfig, type LedgerConfig, type LedgerEnv } from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';

/**
 * The configuration the service reads: the SSM parameter LEDGER_CONFIG_PARAMETER names when set
 * (the deployed one), else the file LEDGER_CONFIG names (default ledger.config.yaml).
 */
export function loadCliConfig(env: LedgerEnv): Promise<LedgerConfig> {
  return loadLambdaLedgerConfig(env, new PowertoolsParameterSource());
}
