"""Encoders of our own, registered with MONAI's FlexibleUNet so they share its U-Net decoder."""
