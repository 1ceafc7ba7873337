import { grafanaAlertRulesFile, grafanaContactPointsFile, grafanaPoliciesFile } from "./grafana-provisioning.ts";
import { mimirRuleFile, prometheusRuleFile } from "./prometheus-rules.ts";
import { promtoolTestFile } from "./promtool/boundary-tests.ts";
import { RULE_GROUPS } from "./rules/index.ts";

export const ALERTS_OUT = "alerts/generated";
export const PROMETHEUS_RULES = `${ALERTS_OUT}/prometheus/moltsecret.rules.yaml`;
export const MIMIR_RULES = `${ALERTS_OUT}/mimir/moltsecret.rules.yaml`;
export const PROMTOOL_TESTS_DIR = `${ALERTS_OUT}/promtool`;
export const GRAFANA_DIR = `${ALERTS_OUT}/grafana`;
export const MIMIR_NAMESPACE = "moltsecret";

/** Every generated alerting file, keyed by its path relative to the repository root. */
export function alertFiles(): Record<string, string> {
  const files: Record<string, string> = {
    [PROMETHEUS_RULES]: prometheusRuleFile(RULE_GROUPS),
    [MIMIR_RULES]: mimirRuleFile(RULE_GROUPS, MIMIR_NAMESPACE),
    [`${GRAFANA_DIR}/alert-rules.yaml`]: grafanaAlertRulesFile(RULE_GROUPS),
    [`${GRAFANA_DIR}/contact-points.yaml`]: grafanaContactPointsFile(),
    [`${GRAFANA_DIR}/notification-policies.yaml`]: grafanaPoliciesFile(),
  };
  for (const group of RULE_GROUPS) files[`${PROMTOOL_TESTS_DIR}/${group.name}.test.yaml`] = promtoolTestFile(group, "../prometheus/moltsecret.rules.yaml");
  return files;
}
