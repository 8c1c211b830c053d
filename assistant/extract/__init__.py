"""The offline answerer's parts: candidate sentences, their features, the fitted model that scores
them, list blocks, and the composition of a cited answer."""
