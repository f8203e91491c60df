import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Downloads one URL to a file, for ./mvnw on machines that have neither curl nor wget: {@code java
 * Download.java URL FILE}. Writes to FILE.part and renames, so FILE is either whole or absent.
 * Exit 0 on success, 1 with one line on stderr otherwise.
 */
public final class Download {
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: java Download.java URL FILE");
      System.exit(1);
    }
    var target = Path.of(args[1]);
    var part = target.resolveSibling(target.getFileName() + ".part");
    var client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    try {
      var request = HttpRequest.newBuilder(URI.create(args[0])).GET().build();
      var response = client.send(request, HttpResponse.BodyHandlers.ofFile(part));
      if (response.statusCode() != 200) {
        Files.deleteIfExists(part);
        System.err.println("download: " + args[0] + " answered HTTP " + response.statusCode());
        System.exit(1);
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("download: " + args[0] + ": " + e);
      System.exit(1);
    }
  }
}
