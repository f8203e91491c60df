/**
 * The audit log: who changed what, when, and from which address. Other domains record through the
 * {@link dev.berth.core.Audit} port; this package stores the entries and serves {@code GET
 * /api/v1/audit}.
 *
 * <p>Imports {@code core}, {@code store} and {@code web}.
 */
package dev.berth.audit;
