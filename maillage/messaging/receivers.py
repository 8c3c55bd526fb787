"""Signals that must reach open sockets at once.

A socket keeps the identity it connected with, so the end of that identity closes it:
* logging out closes the sockets of that session (other devices stay connected);
* "log out everywhere else" (allauth's user sessions) closes the sockets of each ended session;
* a password change or a deactivation closes every socket of the member — saved through the
  model (forms, admin, allauth, `changepassword`); a bulk `QuerySet.update()` sends no signal
  and must call `sockets_close` itself.
A new block removes the one-to-one conversation between the two from both sides' open pages
(access.blocked_direct hides it from then on); group conversations only hide that person's
messages and events, which events.py re-checks at fan-out.
"""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from maillage.accounts.models import User
from maillage.core import realtime
from maillage.core.consumers import sockets_close
from maillage.network.models import Block


@receiver(user_logged_out, dispatch_uid="messaging.sockets_close_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if user is not None and key:
        sockets_close(member_id=user.pk, session_keys=[key])


@receiver(post_delete, sender=UserSession, dispatch_uid="messaging.sockets_close_on_session_end")
def close_sockets_of_ended_session(sender, instance: UserSession, **kwargs) -> None:
    sockets_close(member_id=instance.user_id, session_keys=[instance.session_key])


@receiver(post_save, sender=User, dispatch_uid="messaging.sockets_close_on_identity_change")
def close_sockets_on_identity_change(sender, instance: User, created: bool, **kwargs) -> None:
    if created:
        return
    # Django keeps the new raw password on the instance from set_password() until save()
    # finishes (for the password validators): it is set exactly when this save changed it.
    password_changed = getattr(instance, "_password", None) is not None
    if password_changed or not instance.is_active:
        sockets_close(member_id=instance.pk)


@receiver(post_save, sender=Block, dispatch_uid="messaging.conversation_gone_on_block")
def direct_conversation_gone_on_block(sender, instance: Block, created: bool, **kwargs) -> None:
    if not created:
        return
    from .models import Conversation

    low, high = sorted((instance.blocker_id, instance.blocked_id))
    conversation = Conversation.objects.filter(direct_key=f"{low}:{high}").only("public_id").first()
    if conversation is None:
        return
    data = {"conversation": str(conversation.public_id)}
    for member_id in (low, high):
        realtime.push_to_member(member_id=member_id, event="conversation.gone", data=data)
