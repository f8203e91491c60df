/**
 * The edge proxy: every request to every hosted app passes through it. It owns the in-memory route
 * table (host and path prefix to a target), the Netty data plane that forwards requests with pooled
 * keep-alive upstreams, and the control plane: the {@code routes} table ({@link
 * dev.berth.proxy.RouteStore}), the admin API for routes to services Berth did not deploy ({@link
 * dev.berth.proxy.RoutesApi}), the {@link dev.berth.proxy.RouteRefresher} that rebuilds the table
 * from the store and swaps it (polling, and at once on PostgreSQL's {@code NOTIFY berth_routes}),
 * and {@link dev.berth.proxy.AppTraffic}, the zero-downtime switch of an app's live instances
 * ({@code app_targets}) that drains the old ones. It also serves static sites from folders ({@link
 * dev.berth.proxy.StaticFiles}) and owns the {@code access_records} table: the data plane reports
 * each finished request to an {@link dev.berth.proxy.AccessSink}, the {@link
 * dev.berth.proxy.AccessLog} writes them in batches off the request path, and {@link
 * dev.berth.proxy.AccessApi} reads them for the console.
 *
 * <p>HTTPS: the {@link dev.berth.proxy.CertificateBook} (certificates by SNI name, swapped whole)
 * feeds the TLS listener, which serves HTTP/1.1 and HTTP/2 (ALPN) into the same handlers.
 *
 * <p>Custom domains: the {@code domains} and {@code certificates} tables ({@link
 * dev.berth.proxy.DomainStore}), their API ({@link dev.berth.proxy.DomainsApi}), the {@link
 * dev.berth.proxy.CertificateRefresher} that keeps the {@link dev.berth.proxy.CertificateBook} in
 * step, and the {@link dev.berth.proxy.CertificateRenewer} that issues and renews over ACME.
 *
 * <p>Imports {@code core}, {@code store}, {@code web} (only its {@code *Api} classes), Netty, and
 * acme4j (only in {@code Acme*} classes, loaded when a certificate is first issued). It never reads
 * the store on the request path: the table is rebuilt off the hot path and swapped. It learns app
 * names through the {@link dev.berth.proxy.AppNames} port, and reads only the count and newest
 * update time of the {@code apps} table, as a change signal; {@code domains} references {@code
 * apps(name)}, so deleting an app deletes its domains.
 */
package dev.berth.proxy;
