package dev.berth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package rules of STYLE.md true: dependencies run one way (core ← store, web ← domains ←
 * Platform/Main), domains never import each other, and library types stay where they belong.
 */
class ArchitectureTest {
  /** Packages every domain may use; every other package directly under dev.berth is a domain. */
  private static final String[] SHARED = {
    "dev.berth.core..", "dev.berth.store..", "dev.berth.web.."
  };

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth");
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching("dev.berth.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void domainsDoNotImportEachOther() {
    slices()
        .matching("dev.berth.(*)..")
        .that(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "are domains",
                slice -> {
                  String name = slice.getDescription();
                  return !name.contains("core") && !name.contains("store") && !name.contains("web");
                }))
        .should()
        .notDependOnEachOther()
        .check(classes);
  }

  @Test
  void coreImportsOnlyTheJdk() {
    classes()
        .that()
        .resideInAPackage("dev.berth.core..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.berth.core..", "java..", "javax..")
        .check(classes);
  }

  @Test
  void storeAndWebStayBelowTheDomains() {
    classes()
        .that()
        .resideInAPackage("dev.berth.store..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.berth.core..",
            "dev.berth.store..",
            "java..",
            "javax..",
            "org.sqlite..",
            "org.postgresql..")
        .check(classes);
    classes()
        .that()
        .resideInAPackage("dev.berth.web..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.berth.core..", "dev.berth.web..", "java..", "javax..", "com.sun.net.httpserver..")
        .check(classes);
  }

  @Test
  void sharedPackagesDoNotKnowTheRoot() {
    noClasses()
        .that()
        .resideInAnyPackage(SHARED)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.berth")
        .check(classes);
  }

  @Test
  void httpLibraryTypesOnlyInWebAndApiClasses() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.berth.web..")
        .and()
        .haveSimpleNameNotEndingWith("Api")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.sun.net.httpserver..")
        .check(classes);
    // Netty is the proxy's data plane and stays there.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.berth.proxy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..")
        .check(classes);
    // acme4j takes its HTTP client from the provider; AcmeTrust builds one for a test CA.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.berth.cli..")
        .and()
        .doNotHaveFullyQualifiedName("dev.berth.proxy.AcmeTrust")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.net.http..")
        .check(classes);
  }

  @Test
  void databaseDriversOnlyInStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.berth.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.sqlite..", "org.postgresql..")
        .check(classes);
  }
}
