"""物业管理全覆盖 (plan 三(三)2): how far the city has brought its formerly unmanaged old estates
under management, per district and street, against dated milestones (formulas in the README)."""
