package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.KernelTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ASN.1-level reading of module signatures answers what the full CMS parser answers, or leaves it to it. */
class Pkcs7SignerTest {

    @Test
    void everyRealSignatureReadsAsTheFullParserReadsIt() throws Exception {
        List<Path> files = KernelTree.moduleFiles(KernelTree.modules());
        assertThat(files).hasSizeGreaterThan(1000);
        for (Path f : files) {
            byte[] pkcs7 = pkcs7(f);
            ModuleSignature usual = Pkcs7Signer.read(pkcs7);
            assertThat(usual).as(f.toString()).isNotNull().isEqualTo(ModuleSignature.parseFully(pkcs7));
        }
    }

    @Test
    void damagedSignaturesAreReadAlikeOrLeftToTheFullParser() throws Exception {
        List<Path> files = KernelTree.moduleFiles(KernelTree.modules());
        byte[] pkcs7 = pkcs7(files.get(0));
        int answered = 0;
        int refused = 0;
        // Every byte of the structure before the signature value, changed in ways that break tags,
        // lengths, integers, OIDs and names.
        for (int at = 0; at < Math.min(pkcs7.length, 320); at++) {
            for (int change : new int[] {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff}) {
                byte[] damaged = pkcs7.clone();
                damaged[at] ^= (byte) change;
                ModuleSignature usual = Pkcs7Signer.read(damaged);
                ModuleSignature full;
                try {
                    full = ModuleSignature.parseFully(damaged);
                } catch (ModuleFormatException e) {
                    full = null;
                }
                if (usual != null) {
                    answered++;
                    assertThat(usual).as("byte %d ^ %x", at, change).isEqualTo(full);
                } else {
                    refused++;
                }
            }
        }
        assertThat(answered).as("changes to names and values still read").isPositive();
        assertThat(refused).as("changes to the structure left to the full parser").isPositive();
        byte[] truncated = Arrays.copyOf(pkcs7, pkcs7.length - 1);
        assertThat(Pkcs7Signer.read(truncated)).isNull();
    }

    private static byte[] pkcs7(Path module) throws Exception {
        return ModuleSignature.split(Files.readAllBytes(module)).pkcs7();
    }
}
