"""Case files: judgement calls from the field notes, as things a learner can run.

- `dcdiag`: the VerifyEnterpriseReferences "Missing Expected Value" phantom error;
- `restore`: a bare-metal restore that fails with 0x80070057 because of the disk layout.
"""
