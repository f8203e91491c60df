/**
 * The edge proxy: every request to every hosted app passes through it. It owns the in-memory route
 * table (host and path prefix to a target), the Netty data plane that forwards requests with pooled
 * keep-alive upstreams, and the admin API for routes to services Berth did not deploy.
 *
 * <p>Imports {@code core}, {@code store}, {@code web} (only its {@code *Api} classes) and Netty. It
 * never reads the store on the request path: the table is rebuilt off the hot path and swapped.
 */
package dev.berth.proxy;
