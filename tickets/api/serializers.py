from rest_framework import serializers

from bookit.fields import RelatedIdField
from reservations.models import Reservation
from seats.models import Seat
from tickets import services
from tickets.models import Ticket, TicketEvent


class TicketEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ["id", "old_status", "new_status", "comment", "actor", "actor_name", "created_at"]

    def get_actor_name(self, event: TicketEvent) -> str:
        return event.actor.get_full_name() if event.actor else ""


class TicketSerializer(serializers.ModelSerializer):
    seat_label = serializers.CharField(
        source="seat.label", read_only=True, default=None, allow_null=True
    )
    history = TicketEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "text",
            "category",
            "status",
            "seat",
            "seat_label",
            "reservation",
            "author",
            "staff_comment",
            "created_at",
            "updated_at",
            "resolved_at",
            "history",
        ]


class StaffTicketSerializer(TicketSerializer):
    author_email = serializers.CharField(
        source="author.email", read_only=True, default=None, allow_null=True
    )
    author_name = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "author_email", "author_name"]

    def get_author_name(self, ticket: Ticket) -> str:
        return ticket.author.get_full_name() if ticket.author else ""


class TicketInputSerializer(serializers.Serializer):
    """Shapes only; the rules (own reservation, matching seat, lengths) are in the service."""

    subject = serializers.CharField(max_length=services.SUBJECT_MAX)
    text = serializers.CharField(max_length=services.TEXT_MAX)
    category = serializers.ChoiceField(
        choices=Ticket.Category.choices, required=False, default=Ticket.Category.OTHER
    )
    seat = RelatedIdField(
        queryset=Seat.objects.all(), required=False, allow_null=True, default=None
    )
    reservation = RelatedIdField(
        queryset=Reservation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        # Same message as the service's for another member's booking: existence is not leaked.
        error_messages={"does_not_exist": services.RESERVATION_NOT_YOURS},
    )


class TicketStatusInputSerializer(serializers.Serializer):
    # A plain string: an unknown status is reported by the service with the allowed moves' rule.
    status = serializers.CharField(max_length=20)
    comment = serializers.CharField(
        max_length=services.COMMENT_MAX, required=False, allow_blank=True, default=""
    )
