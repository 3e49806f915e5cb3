"""What a trained model says: fast cached inference, test-set results (confusion matrix,
confident mistakes, first-layer weights) and what a conv net learned (filters, feature maps,
the shift test)."""
