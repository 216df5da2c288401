"""A code sender for end-to-end tests: writes codes to the file named by E2E_CODES_FILE."""

import os


class FileCodeSender:
    def send(self, phone: str, code: str) -> None:
        with open(os.environ["E2E_CODES_FILE"], "a", encoding="utf-8") as codes:
            codes.write(f"{phone} {code}\n")
