// The tests set process environment variables (HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE…) that the sources read: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
