package dev.berth.proxy;

/** A custom domain as the route table sees it: it routes exactly like its app's own host. */
public record CustomHost(String host, String app) {}
