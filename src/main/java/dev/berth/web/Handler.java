package dev.berth.web;

/** Handles one request on a virtual thread; plain blocking code is expected. */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
