package dev.berth.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * acme4j, BouncyCastle and jose4j stay in the {@code Acme*} classes, which only the renewer's
 * issuer factory reaches: a Berth with no domain to issue for never loads them (the JVM loads a
 * class when code that runs first uses it).
 */
class AcmeIsolationTest {
  @Test
  void onlyAcmeClassesUseTheAcmeLibraries() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth");
    noClasses()
        .that()
        .haveSimpleNameNotStartingWith("Acme")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.shredzone..", "org.bouncycastle..", "org.jose4j..")
        .check(classes);
    noClasses()
        .that()
        .haveSimpleNameNotStartingWith("Acme")
        .and()
        .doNotHaveFullyQualifiedName(CertificateRenewer.class.getName())
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(Acme.class.getName())
        .check(classes);
  }
}
