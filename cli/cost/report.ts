import { BREAK_EVEN, PRICES } from "../../catalog/index.ts";
import { compareWithDocument, estimateCost, requestsForCost } from "./model.ts";
import type { ResolvedPerRequest } from "./per-request.ts";

export interface CostInputs {
  requestsPerMonth: number;
  storage: { bytes: number; source: string };
  perRequest: ResolvedPerRequest;
  serverMonthlyUsd: number;
}

/** Everything `moltsecret cost` reports: the bill, the document's projection table beside it, and the break-even. */
export function buildCostReport(i: CostInputs) {
  const per = i.perRequest.values;
  const storage = i.storage.bytes;
  const at = (usd: number) => requestsForCost(usd, per, storage);
  return {
    requestsPerMonth: i.requestsPerMonth,
    storage: i.storage,
    perRequest: i.perRequest,
    estimate: estimateCost(i.requestsPerMonth, per, storage),
    documentProjections: compareWithDocument(per, storage),
    breakEven: {
      serverMonthlyUsd: i.serverMonthlyUsd,
      requestsAtServerCost: at(i.serverMonthlyUsd),
      requestsAtPremiumLow: at(i.serverMonthlyUsd * BREAK_EVEN.simplicityPremium.low),
      requestsAtPremiumHigh: at(i.serverMonthlyUsd * BREAK_EVEN.simplicityPremium.high),
      documentRequests: BREAK_EVEN.requestsPerMonth.value,
      premium: BREAK_EVEN.simplicityPremium,
    },
    prices: PRICES,
  };
}

export type CostReport = ReturnType<typeof buildCostReport>;
