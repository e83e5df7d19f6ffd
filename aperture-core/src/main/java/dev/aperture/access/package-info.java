/**
 * Who may call which model, and how much they may spend: {@link dev.aperture.access.AccessPolicy}
 * evaluates the configuration's grants, {@link dev.aperture.access.QuotaLedger} keeps the dollar
 * budgets, and {@link dev.aperture.access.RequestInterceptor}s may allow, block or rewrite a
 * request before it is dispatched.
 */
package dev.aperture.access;
