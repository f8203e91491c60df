package dev.berth.core;

/**
 * A dependency Berth needs is down (the store, the Docker engine). The API answers 503 with a plain
 * message and logs the cause; the caller may retry.
 */
public class UnavailableException extends RuntimeException {
  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
