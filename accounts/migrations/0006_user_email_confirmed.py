from django.db import migrations, models


class Migration(migrations.Migration):
    """Existing accounts (demo data included) count as confirmed: the default fills them."""

    dependencies = [("accounts", "0005_merge_20261201_1739")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed",
            field=models.BooleanField(default=True, verbose_name="email confirmed"),
        ),
    ]
