"""Tampering with signed tokens in a way that always changes the signature."""


def tampered(signed: str) -> str:
    """`signed` with one character of its signature replaced.

    The last base64 characters of a signature carry padding bits that decoders ignore, so
    changing only the tail can leave the signature valid now and then; a character well
    inside the signature always carries six data bits.
    """
    position = len(signed) - 8
    replacement = "A" if signed[position] != "A" else "B"
    return signed[:position] + replacement + signed[position + 1:]
